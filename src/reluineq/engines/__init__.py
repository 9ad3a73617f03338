"""The engines that cut regions by a layer's hyperplanes, for :func:`reluineq.regions`.

- :mod:`.polygons`: 2-D, convex polygons split unit by unit (exact or float);
- :mod:`.arrangement`: 2-D float layers cut by all their lines at once;
- :mod:`.polytopes`: any dimension, vertex sets with their tight constraints;
- :mod:`.common`: what they share, and the constraint ids of a region's rows.

An engine holds the current regions' geometry and offers ``count``, ``split(gj, origin,
unit_id)`` (or, for the arrangement, a whole layer), ``vertices(i)``,
``constraint_ids(i)`` and ``subset(ids)`` (a copy of some regions, which
:mod:`reluineq.decisions` splits further).
"""
