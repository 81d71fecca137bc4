"""Reading a recorded graph: the views the pictures and the compiler share.

``views`` finds each neuron σ(w · x + b) by its shape; ``names`` gives every node the one name
the pictures, the chain-rule text and the compiled code share; ``numbers_format`` writes numbers
for people. Nothing here changes a graph, and nothing here imports the pictures or the compiler.
"""
