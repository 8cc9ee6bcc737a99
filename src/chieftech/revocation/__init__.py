"""Revocation of the title (第17条): the office's initial finding, the leadership's 审定, the government's approval,
and the annulment of an approved revocation by the same three steps."""
