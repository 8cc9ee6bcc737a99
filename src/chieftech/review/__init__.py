"""The annual re-review (复核认定, 第8条, 第11条, 第12条): campaigns, the holders' material, the checks, the decision."""
