"""The engines that cut regions by a layer's hyperplanes, for :func:`reluineq.regions`.

- :mod:`.polygons`: 2-D, convex polygons split unit by unit (exact or float);
- :mod:`.arrangement`: 2-D float layers cut by all their lines at once;
- :mod:`.polytopes`: any dimension, vertex sets with their tight constraints;
- :mod:`.halfspaces`: any dimension, inequality systems split by LPs (from
  :data:`.halfspaces.HALFSPACE_DIMS` inputs on);
- :mod:`.common`: what they share, and the constraint ids of a region's rows.

An engine holds the current regions' geometry and offers ``count``, ``split(gj, origin,
unit_id)`` (or, for the arrangement, a whole layer), ``vertices(i)``,
``constraint_ids(i)`` and ``subset(ids)`` (a copy of some regions, which
:mod:`reluineq.decisions` splits further); it may also offer ``point(i)``, which
:class:`reluineq.partition.Enumeration` then asks first, and ``lists_vertices``, false
where ``vertices(i)`` is not available (a region's volume is then ``None``).
"""
