"""The evaluated kinds: each turns a source and the parameters in force into findings."""
