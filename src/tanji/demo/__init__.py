"""The demo data set: a Hubei province with cement enterprises, lines, tags, instruments, users.

Data as code (:mod:`tanji.demo.data`) built through the services (:mod:`tanji.demo.builder`),
so the demo exercises the same validation and audit trail as real use.
"""
