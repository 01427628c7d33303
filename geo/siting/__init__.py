"""Siting: where new service outlets should go, and what closing or moving some would cost.

A maximal-covering location problem (MCLP) over the scenario's gap cells:
:mod:`problem` builds and reduces it, :mod:`greedy` answers at once, :mod:`bound`
proves how far from the best possible an answer can be (Lagrangian relaxation),
:mod:`exact` closes the rest with HiGHS, :mod:`decisions` closes and relocates
existing outlets, and :mod:`curve` draws newly covered people against K.
"""
