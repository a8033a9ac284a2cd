"""Official documents (公文): types and templates, drafting, the flow run, numbers, trail,
timers and the read rule. One module per concern; callers import the module they need."""
