"""``conformance new NAME``: write a module package that already conforms, in the project's own
layout (modules folder, file names, required files), import style and infrastructure (declarative
base, session dependency, domain errors, schema base class).

``fields`` parses ``--fields``, ``conventions`` reads the project, ``templates`` writes the files
(pure), ``register`` adds the router to the app, ``command`` is the command line.
"""
