"""Typed identifiers shared by every layer.

Provision ids follow the Akoma Ntoso ``eId`` style: ``art_43``, ``art_43__para_2``,
``art_10__para_1__point_a__subpoint_i``.
"""

from __future__ import annotations

from typing import NewType

ProvisionId = NewType("ProvisionId", str)
"""An Akoma-Ntoso-style id of an article, paragraph, point or subpoint."""

TermId = NewType("TermId", str)
"""A defined (or used) term of the Convention, e.g. ``computer_system``."""

OffenceId = NewType("OffenceId", str)
"""An offence rule, e.g. ``illegal_access``."""

ElementId = NewType("ElementId", str)
"""An element of an offence, e.g. ``illegal_access.conduct``."""

OptionId = NewType("OptionId", str)
"""An option or reservation a State Party may take, e.g. ``art_43.renewal``."""

PowerId = NewType("PowerId", str)
"""A procedural power, e.g. ``preservation``."""

GroundId = NewType("GroundId", str)
"""A ground of jurisdiction, e.g. ``territory``."""

SafeguardId = NewType("SafeguardId", str)
"""A condition or safeguard of Art. 42, e.g. ``proportionality``."""

RuleId = NewType("RuleId", str)
"""Any other rule of the Convention (liability, aggravation, protection duty…)."""
