"""The figures that :mod:`reluineq.plot` offers, one module per kind.

- :mod:`.style`: colours, axes set-up and regions as polygons, shared by all;
- :mod:`.regions`: region maps and highlighted regions;
- :mod:`.lines`: unit hyperplanes with arrows into their active sides;
- :mod:`.curves`: one-input networks and their breakpoints, fits, single neurons;
- :mod:`.surface`: a network's output over two inputs.

Each imports matplotlib only inside the functions that draw.
"""
