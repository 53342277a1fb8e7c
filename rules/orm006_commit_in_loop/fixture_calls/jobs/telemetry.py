import requests


class Stats:
    def incr(self, name):
        requests.post("https://stats.example.com", json={"name": name})


statsd = Stats()
