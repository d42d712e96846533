"""The reasoning rules.

The reasoning rules: offence elements, offences, participation, legal persons,
aggravation, laundering predicates, jurisdiction and measures.
"""
