"""`spark-submit --py-files stockgroups.whl -m stockgroups.batch INPUT... OUTPUT`: the batch command."""
from stockgroups.interfaces.cli.batch import batch

if __name__ == "__main__":
    batch(prog_name="stockgroups batch")
