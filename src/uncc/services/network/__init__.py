"""The I-24/7 network (Art. 56): directory, envelopes, delivery, requests, experts, deconfliction."""
