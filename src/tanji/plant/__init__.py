"""The plant: sites, lines (kilns), emission sources, tags, diagrams, lab analyses.

Every row carries its enterprise so tenant scoping is one uniform filter.
"""
