"""Duties and support in the management period (第13条–第15条, 第8条(五)): the mentorship ledger, the chief
technician's duties log, the employer's yearly obligations, the departments' support and the liaison cadre."""
