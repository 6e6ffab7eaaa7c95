"""Inventory: stock levels per product and warehouse.

deliberate: CNF101 this module has no schemas.py on purpose (a required role file is missing);
the router returns plain dicts instead of response models.
"""
