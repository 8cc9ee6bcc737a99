"""ChiefTech: 首席技师选拔管理系统 (selection and management of an authority's chief technicians)."""
