"""Writes of the masswork app, one module per subdomain: `orders` (wish wall), `public` (resident
intake and photos), `petitions`, `ledger`, `visits`, `duty`."""
