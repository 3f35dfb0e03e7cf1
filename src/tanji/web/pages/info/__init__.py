"""Information management (信息管理): enterprise, sites, lines, sources, tags, instruments."""
