"""cpv3: the shop backend, organised as feature modules under ``cpv3.modules``."""
