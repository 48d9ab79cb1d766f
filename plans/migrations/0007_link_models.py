"""The links of tasks' coordinating units, activities' enterprises and annual plans' tasks
become models of their own (issue 17), so that each can carry its commune.

The first step changes nothing in the database: the models take over the tables, columns,
indexes and uniqueness Django made for the links. Then each link, and its history, gains a
commune column, filled in the next migration from the row the link starts from.
"""

import django.db.models.deletion
from django.db import migrations, models


def link(name, table, first, second):
    first_name, first_model = first
    second_name, second_model = second
    return migrations.CreateModel(
        name=name,
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            (first_name, models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=first_model)),
            (second_name, models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=second_model)),
        ],
        options={"db_table": table, "unique_together": {(first_name, second_name)}},
    )


def commune(null=True):
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="communes.commune",
        verbose_name="commune",
    )


def history_commune():
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        editable=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to="communes.commune",
        verbose_name="commune",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0002_commune_from_settings"),
        ("enterprises", "0016_commune_key_required"),
        ("plans", "0006_commune_key_required"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                link("Task_coordinating_units", "plans_task_coordinating_units", ("task", "plans.task"), ("unit", "plans.unit")),
                link(
                    "Activity_enterprises",
                    "plans_activity_enterprises",
                    ("activity", "plans.activity"),
                    ("enterprise", "enterprises.enterprise"),
                ),
                link("AnnualPlan_tasks", "plans_annualplan_tasks", ("annualplan", "plans.annualplan"), ("task", "plans.task")),
                migrations.AlterField(
                    model_name="task",
                    name="coordinating_units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="coordinated_tasks",
                        through="plans.Task_coordinating_units",
                        to="plans.unit",
                        verbose_name="coordinating units",
                    ),
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="enterprises",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="activities",
                        through="plans.Activity_enterprises",
                        to="enterprises.enterprise",
                        verbose_name="enterprises involved",
                    ),
                ),
                migrations.AlterField(
                    model_name="annualplan",
                    name="tasks",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="annual_plans",
                        through="plans.AnnualPlan_tasks",
                        to="plans.task",
                        verbose_name="scheduled tasks",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(model_name="task_coordinating_units", name="commune", field=commune()),
        migrations.AddField(model_name="activity_enterprises", name="commune", field=commune()),
        migrations.AddField(model_name="annualplan_tasks", name="commune", field=commune()),
        migrations.AddField(model_name="historicaltask_coordinating_units", name="commune", field=history_commune()),
        migrations.AddField(model_name="historicalactivity_enterprises", name="commune", field=history_commune()),
        migrations.AddField(model_name="historicalannualplan_tasks", name="commune", field=history_commune()),
    ]
