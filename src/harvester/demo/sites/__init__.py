"""Page rendering of the simulated sites, one module per CMS family."""
