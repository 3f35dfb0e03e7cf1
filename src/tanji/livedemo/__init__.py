"""The live demo behind ``tanji demo``: simulated province, embedded database, in-process web.

The demo province on the embedded database, back-filled and streamed by the plant simulator,
served by the web app in-process.

Sits above the web app, the simulator and the demo data set (it wires them together) and below
the command line; nothing else imports it.
"""
