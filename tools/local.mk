# tools/local.mk - the vir0 command.
