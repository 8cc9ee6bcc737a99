"""The subsidy's operations (第4条, 第12条): entitlement, payroll batches, the bank round trip, recovery."""
