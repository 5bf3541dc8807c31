"""Group formation: compose peer groups from a pool of leaders (issue 15).

solver.py is the optimiser, with no Django import; ``python -m peerpower.formation`` runs it on
an MDGPLIB instance file.
"""
