"""State Party profiles: the options, reservations and parameters each State takes.

A profile is an overlay on the Convention's baseline, never an edit of it: it switches
on "may require" elements, reservations and optional rules, and supplies the values the
Convention leaves to each State (age threshold, serious offences, limitation periods,
judicial authorisation, extradition of nationals, implementing provisions).
"""
