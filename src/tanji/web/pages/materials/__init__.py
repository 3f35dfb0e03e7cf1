"""Raw materials and fuels (原料/燃料管理): lab analyses — entry, import, history, charts."""
