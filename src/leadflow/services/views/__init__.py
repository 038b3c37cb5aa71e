"""What the pages show, each read in one transaction: the lead page and list, the campaign pages,
the board."""
