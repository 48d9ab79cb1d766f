"""Simulated users for `bench/load.py`: officials browsing, officers reporting.

Run by bench/load.py, which prepares the accounts and the open period and passes
their names through environment variables; not meant to be started by hand.
"""

import itertools
import os
import re
import threading

import gevent
from locust import HttpUser, between, events, task

PASSWORD = os.environ["LOAD_PASSWORD"]
OPEN_PERIOD = os.environ["LOAD_OPEN_PERIOD"]
PAST_PERIOD = os.environ["LOAD_PAST_PERIOD"]
OFFICERS = itertools.cycle(os.environ["LOAD_OFFICERS"].split(","))
OFFICERS_LOCK = threading.Lock()
VERSION = re.compile(r'name="version" value="(\d+)"')
FIELDS = re.compile(r'name="(count_[^"]+)"')


# The measurement: from the moment every user has logged in (a login costs a deliberate
# password hash, and a hundred of them queue behind the workers for seconds after the last
# user arrived) for LOAD_SECONDS, then the run stops.
USERS = int(os.environ["LOAD_USERS"])
MEASURED_SECONDS = int(os.environ["LOAD_SECONDS"])
ARRIVED = threading.Semaphore(0)


@events.test_start.add_listener
def measure_once_all_are_in(environment, **kwargs):
    def measure():
        for _user in range(USERS):
            while not ARRIVED.acquire(blocking=False):
                gevent.sleep(0.2)
        environment.stats.reset_all()
        gevent.sleep(MEASURED_SECONDS)
        environment.runner.quit()

    gevent.spawn(measure)


class PortalUser(HttpUser):
    abstract = True
    # People read a page before they click again.
    wait_time = between(2, 6)
    username = ""

    def on_start(self):
        self.client.get("/accounts/login/", name="login page")
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="log in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            response.failure(f"login of {self.username} answered {response.status_code}")
        ARRIVED.release()  # logged in or refused: either way this user is in


class Official(PortalUser):
    weight = 1
    username = os.environ["LOAD_OFFICIAL"]

    @task(5)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(2)
    def dashboard_of_a_past_period(self):
        self.client.get(f"/?period={PAST_PERIOD}", name="dashboard ?period")

    @task(3)
    def review_queue(self):
        self.client.get(f"/reports/{OPEN_PERIOD}/", name="review queue")

    @task(2)
    def enterprises(self):
        self.client.get("/enterprises/?page=3", name="enterprise list")

    @task(1)
    def plan(self):
        self.client.get("/plan/", name="plan")

    @task(1)
    def export(self):
        self.client.get(f"/reports/{PAST_PERIOD}/export.xlsx", name="export.xlsx")


class Officer(PortalUser):
    weight = 3

    def on_start(self):
        with OFFICERS_LOCK:
            self.username = next(OFFICERS)
        self.submitted = False
        super().on_start()

    @task(3)
    def home(self):
        self.client.get("/", name="officer home")

    @task(3)
    def report_form(self):
        self.client.get(f"/reports/{OPEN_PERIOD}/", name="report form")

    @task(3)
    def save_or_submit(self):
        if self.submitted:
            self.client.get(f"/reports/{OPEN_PERIOD}/", name="report form")
            return
        page = self.client.get(f"/reports/{OPEN_PERIOD}/", name="report form")
        version = VERSION.search(page.text)
        data = {
            "total_workers": "120",
            "female_workers": "70",
            "notes": "Tải thử",
            "version": version.group(1) if version else "0",
            "confirm": "on",
        }
        data.update(dict.fromkeys(FIELDS.findall(page.text), "60"))
        action = "submit" if version and int(version.group(1)) >= 2 else "draft"
        with self.client.post(
            f"/reports/{OPEN_PERIOD}/",
            {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), "action": action, **data},
            name=f"report {action}",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{action} answered {response.status_code}, not a redirect")
            elif action == "submit":
                self.submitted = True
