# The learning outcomes of workers move here from the enterprises app (enterprises/0005):
# the state takes over the existing tables, then they get this app's table names.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0005_move_workeroutcome_to_indicators'),
        ('indicators', '0003_figures_revision'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalWorkerOutcome',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('achieved_on', models.DateField(verbose_name='achieved on')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('indicator', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                        ('worker', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enterprises.worker', verbose_name='worker')),
                    ],
                    options={
                        'verbose_name': 'historical learning outcome',
                        'verbose_name_plural': 'historical learning outcomes',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                        'db_table': 'enterprises_historicalworkeroutcome',
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='WorkerOutcome',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('achieved_on', models.DateField(verbose_name='achieved on')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='worker_outcomes', to='indicators.indicator', verbose_name='indicator')),
                        ('worker', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outcomes', to='enterprises.worker', verbose_name='worker')),
                    ],
                    options={
                        'verbose_name': 'learning outcome',
                        'verbose_name_plural': 'learning outcomes',
                        'ordering': ['indicator__order'],
                        'constraints': [models.UniqueConstraint(fields=('worker', 'indicator'), name='unique_outcome_per_worker')],
                        'db_table': 'enterprises_workeroutcome',
                    },
                ),
    
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='workeroutcome', table=None),
        migrations.AlterModelTable(name='historicalworkeroutcome', table=None),
    ]
