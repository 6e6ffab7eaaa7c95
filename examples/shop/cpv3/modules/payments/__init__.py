"""Payments: captures and refunds against orders."""
