"""Alembic environment: runs on the connection verify hands it (never a config URL).

On SQLite, ``legacy_alter_table`` is on while migrations run: batch mode
rebuilds a table by creating a copy and renaming it, and since SQLite 3.26 a
rename first re-checks every view, which fails while the views of revision
0007 name the table just dropped. With the legacy rename the views simply
find the new table under the old name.
"""

from alembic import context

from verify.db.models import SQLModel

connection = context.config.attributes["connection"]
sqlite = connection.dialect.name == "sqlite"
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
if sqlite:
    connection.exec_driver_sql("PRAGMA legacy_alter_table = ON")
try:
    with context.begin_transaction():
        context.run_migrations()
finally:
    if sqlite:
        connection.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
