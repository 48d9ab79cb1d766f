# A worker's learning outcomes point at indicators, a higher layer, so the model moves to
# the indicators app (indicators/0004). Here it only leaves this app's state; its table is
# kept and renamed there, with every row.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0004_roles_without_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="workeroutcome", name="indicator"),
                migrations.RemoveField(model_name="workeroutcome", name="worker"),
                migrations.DeleteModel(name="HistoricalWorkerOutcome"),
                migrations.DeleteModel(name="WorkerOutcome"),
            ],
            database_operations=[],
        ),
    ]
