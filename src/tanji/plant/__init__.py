"""The plant: sites, production lines (kilns), emission sources, tags, carbon-flow diagrams, lab
analyses. Every row carries its enterprise so tenant scoping is one uniform filter."""
