#!/usr/bin/python3
"""kernel/hub/hub_test.py — unit tests of the class hub's configuration and
account tool, with no hub running (make hub-smoke runs them first).

The configuration is executed the way JupyterHub executes it, with
traitlets' Config standing in for get_config(), under chosen environments.
"""

import os
import subprocess
import sys
import tempfile
import unittest

from traitlets.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONFIG = os.path.join(HERE, "jupyterhub_config.py")


def load(**env):
    """The hub's Config under RLCONTROL_ROOT=ROOT and env (other hub variables unset)."""
    saved = dict(os.environ)
    try:
        for k in list(os.environ):
            if k.startswith("HUB_"):
                del os.environ[k]
        os.environ["RLCONTROL_ROOT"] = ROOT
        os.environ.update(env)
        c = Config()
        code = compile(open(CONFIG).read(), CONFIG, "exec")
        exec(code, {"get_config": lambda: c, "__file__": CONFIG})
        return c
    finally:
        os.environ.clear()
        os.environ.update(saved)


class ConfigTest(unittest.TestCase):
    def test_defaults(self):
        c = load()
        self.assertEqual(c.JupyterHub.bind_url, "http://127.0.0.1:8000/")
        self.assertEqual(c.JupyterHub.authenticator_class, "jupyterhub.auth.PAMAuthenticator")
        self.assertEqual(c.PAMAuthenticator.allowed_groups, {"rlcontrol-students"})
        self.assertEqual(c.Spawner.cmd, ["jupyterhub-singleuser"])
        self.assertEqual(c.Spawner.notebook_dir, "~/lessons")
        self.assertEqual(c.Spawner.default_url, "/notebooks/00-start-here.ipynb")
        env = c.Spawner.environment
        self.assertEqual(env["GOPROXY"], "off")
        self.assertEqual(env["PATH"], "/usr/local/bin:/usr/bin:/bin")
        self.assertEqual(c.Spawner.env_keep, ["LANG", "LC_ALL"])
        self.assertEqual(env["RLCONTROL_GOPLS"], "on")
        self.assertEqual(env["JUPYTER_PATH"], "/var/lib/rlcontrol-hub/share/jupyter")
        self.assertEqual(c.JupyterHub.db_url, "sqlite:////var/lib/rlcontrol-hub/state/jupyterhub.sqlite")
        self.assertIn("--MappingKernelManager.cull_idle_timeout=3600", c.Spawner.args)
        self.assertTrue(callable(c.Spawner.pre_spawn_hook))

    def test_settings(self):
        c = load(HUB_HOST="0.0.0.0", HUB_PORT="9000", HUB_GOPLS="off", HUB_DIR="/srv/h", HUB_STATE="/tmp/s",
                 HUB_ADMINS="ann, bob", HUB_KERNEL_CULL="600")
        self.assertEqual(c.JupyterHub.bind_url, "http://0.0.0.0:9000/")
        self.assertEqual(c.Spawner.environment["RLCONTROL_GOPLS"], "off")
        self.assertEqual(c.Spawner.environment["GOMODCACHE"], "/srv/h/gomod")
        self.assertEqual(c.JupyterHub.db_url, "sqlite:////tmp/s/jupyterhub.sqlite")
        self.assertEqual(c.Authenticator.admin_users, {"ann", "bob"})
        self.assertIn("--MappingKernelManager.cull_idle_timeout=600", c.Spawner.args)

    def test_https(self):
        with tempfile.NamedTemporaryFile() as cert, tempfile.NamedTemporaryFile() as key:
            c = load(HUB_SSL_CERT=cert.name, HUB_SSL_KEY=key.name)
            self.assertEqual(c.JupyterHub.bind_url, "https://127.0.0.1:8000/")
            self.assertEqual(c.JupyterHub.ssl_key, key.name)
            with self.assertRaisesRegex(SystemExit, "both HUB_SSL_CERT and HUB_SSL_KEY"):
                load(HUB_SSL_CERT=cert.name)
        with self.assertRaisesRegex(SystemExit, "no such file: '/no/cert'"):
            load(HUB_SSL_CERT="/no/cert", HUB_SSL_KEY="/no/key")


class HubScriptTest(unittest.TestCase):
    def run_tool(self, *argv, env=None):
        return subprocess.run(list(argv), capture_output=True, text=True, env=dict(os.environ, **(env or {})), timeout=30)

    def test_bad_settings_named(self):
        hub = os.path.join(HERE, "hub.sh")
        for env, want in (({"HUB_GOPLS": "maybe"}, "HUB_GOPLS must be on or off, got 'maybe'"),
                          ({"HUB_PORT": "99999"}, "HUB_PORT must be a number from 1 to 65535, got '99999'"),
                          ({"HUB_API_PORT": "x"}, "HUB_API_PORT must be a number from 1 to 65535, got 'x'")):
            r = self.run_tool(hub, env=env)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(want, r.stderr)
        r = self.run_tool(hub, "--bogus")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown argument '--bogus'", r.stderr)

    def test_add_students_refuses(self):
        add = os.path.join(HERE, "add-students")
        for argv, want in ((["Bad!"], "bad account name 'Bad!'"),
                           (["ann", "ann"], "a name is given twice: ann"),
                           ([], "no names given"),
                           (["--file", "/no/roster"], "cannot read roster '/no/roster'")):
            r = self.run_tool(add, *argv)
            self.assertEqual(r.returncode, 1, (argv, r.stdout, r.stderr))
            self.assertIn(want, r.stderr)
        if os.geteuid() == 0:
            r = self.run_tool(add, "root")
            self.assertEqual(r.returncode, 1)
            self.assertIn("'root' is an existing account that is not a student", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=1)
