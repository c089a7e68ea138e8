"""A stand-in for GitHub's API, as much of it as the web editor (Sveltia CMS) uses to
sign in with a token, read a repository and save a submission as a pull request: REST
and GraphQL answered from an in-memory repository (files, commits, branches, pull
requests), for headless Chromium's requests to api.github.com (tests/test_cms.py).
Queries it does not know are answered 404 and kept in `unknown`, for a test to show."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from pathlib import Path

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Allow-Methods": "*",
    "Access-Control-Expose-Headers": "*",
}


def sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class GitHub:
    def __init__(self, root: Path, repo: str, token: str):
        self.owner, self.name = repo.split("/")
        self.token = token
        files = {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] not in ("public", ".goodrel-cache", ".git")
        }
        self.blobs = {sha(d): d for d in files.values()}
        self.commits: dict[str, dict] = {}
        self.branches = {"main": self._commit(files, "A new site", None)}
        self.pulls: list[dict] = []
        self.log: list[tuple] = []
        self.unknown: list[str] = []
        self.tokens: list[str] = []  # the token each request carried
        self.numbers = itertools.count(1)

    def _commit(self, files, message, parent):
        oid = hashlib.sha1(
            json.dumps([sorted((p, sha(d)) for p, d in files.items()), message, parent]).encode()
        ).hexdigest()
        for d in files.values():
            self.blobs[sha(d)] = d
        self.commits[oid] = {"files": dict(files), "message": message, "parent": parent}
        return oid

    def files(self, branch):
        return self.commits[self.branches[branch]]["files"]

    def handle(self, route):
        r = route.request
        path = r.url.split("api.github.com", 1)[1]
        if r.method == "OPTIONS":
            return route.fulfill(status=204, headers=CORS)
        body = json.loads(r.post_data) if r.post_data else None
        self.log.append((r.method, path, body))
        self.tokens.append(r.headers.get("authorization", "").split()[-1])
        if r.headers.get("authorization", "").split()[-1:] != [self.token]:
            return route.fulfill(status=401, json={"message": "Bad credentials"}, headers=CORS)
        status, answer = self.answer(r.method, path, body)
        if status == 404:
            self.unknown.append(f"{r.method} {path} {json.dumps(body)[:500] if body else ''}")
        route.fulfill(status=status, headers=CORS, **({"json": answer} if answer is not None else {"body": ""}))

    def answer(self, method, path, body):
        repo = f"/repos/{self.owner}/{self.name}"
        if path == "/user":
            return 200, {
                "login": "volunteer",
                "name": "A Volunteer",
                "id": 1,
                "avatar_url": "",
                "html_url": "https://github.com/volunteer",
                "email": None,
            }
        if path == f"{repo}/collaborators/volunteer":
            return 204, None
        m = re.fullmatch(repo + r"/git/trees/(\w+)\?recursive=1", path)
        if m:
            oid = m[1] if m[1] in self.commits else self.branches.get(m[1])
            files = self.commits[oid]["files"]
            return 200, {
                "sha": oid,
                "truncated": False,
                "tree": [
                    {"path": p, "mode": "100644", "type": "blob", "sha": sha(d), "size": len(d)}
                    for p, d in sorted(files.items())
                ],
            }
        if method == "POST" and path == f"{repo}/pulls":
            number = next(self.numbers)
            pull = {
                "number": number,
                "node_id": f"PR_{number}",
                "id": number,
                "title": body["title"],
                "html_url": f"https://github.com/{self.owner}/{self.name}/pull/{number}",
                "head": {"ref": body["head"], "sha": self.branches[body["head"]]},
                "base": {"ref": body["base"]},
                "draft": body.get("draft", False),
                "state": "open",
                "labels": [],
            }
            self.pulls.append(pull)
            return 201, pull
        m = re.fullmatch(repo + r"/issues/(\d+)/labels", path)
        if m and method in ("POST", "PUT"):
            pull = self.pulls[int(m[1]) - 1]
            pull["labels"] = [{"name": n} for n in body["labels"]]
            return 200, pull["labels"]
        if path == "/graphql":
            return self.graphql(body["query"], body.get("variables") or {})
        return 404, {"message": "Not Found"}

    def graphql(self, query, v):
        q = " ".join(query.split())
        if "pullRequests(" in q:
            return 200, {"data": {"repository": {"pullRequests": {"nodes": []}}}}
        if "ref(qualifiedName: $branch)" in q and "history(first: 1)" in q:
            oid = self.branches.get(v["branch"])
            return 200, {
                "data": {
                    "repository": {
                        "ref": {
                            "target": {"history": {"nodes": [{"oid": oid, "message": self.commits[oid]["message"]}]}}
                        }
                        if oid
                        else None
                    }
                }
            }
        found = re.findall(r'(\w+): object\(oid: "(\w+)"\) \{ \.\.\. on Blob \{ text isTruncated \} \}', q)
        if found and "mutation" not in q:
            return 200, {
                "data": {
                    "repository": {
                        alias: {"text": self.blobs[oid].decode("utf-8"), "isTruncated": False} for alias, oid in found
                    }
                }
            }
        histories = re.findall(
            r'(\w+): ref\(qualifiedName: \$branch\) \{ target \{ \.\.\. on Commit \{ history\(first: 1, path: "([^"]+)"\)',
            q,
        )
        if histories:
            node = {
                "author": {"name": "Editor", "email": "editor@example.org", "user": None},
                "committedDate": "2026-11-20T10:00:00Z",
            }
            return 200, {"data": {"repository": {a: {"target": {"history": {"nodes": [node]}}} for a, _ in histories}}}
        if q.startswith(
            "query($owner: String!, $repo: String!, $branch: String!) { repository(owner: $owner, name: $repo) { ref(qualifiedName: $branch) { target { ... on Commit { oid } } } } }"
        ):
            return 200, {"data": {"repository": {"ref": {"target": {"oid": self.branches[v["branch"]]}}}}}
        if "fork: repository(owner: $forkOwner" in q:
            return 200, {
                "data": {"fork": {"id": "R_1"}, "base": {"ref": {"target": {"oid": self.branches[v["branch"]]}}}}
            }
        commits = re.findall(r'(\w+): object\(oid: "(\w+)"\) \{ \.\.\. on Commit \{', q)
        if commits and "mutation" not in q:
            empty = {"status": None, "deployments": {"nodes": []}, "checkSuites": {"nodes": []}}
            return 200, {"data": {"repository": {a: empty for a, _ in commits}}}
        if "createRef(input: $input)" in q:
            name = v["input"]["name"].removeprefix("refs/heads/")
            self.branches[name] = v["input"]["oid"]
            return 200, {"data": {"createRef": {"ref": {"name": name}}}}
        if "createCommitOnBranch(input: $input)" in q:
            i = v["input"]
            branch = i["branch"]["branchName"]
            assert i["expectedHeadOid"] == self.branches[branch], (i["expectedHeadOid"], self.branches[branch])
            files = dict(self.commits[self.branches[branch]]["files"])
            for a in i["fileChanges"].get("additions", []):
                files[a["path"]] = base64.b64decode(a["contents"])
            for d in i["fileChanges"].get("deletions", []):
                files.pop(d["path"], None)
            oid = self._commit(files, i["message"]["headline"], self.branches[branch])
            self.branches[branch] = oid
            asked = {
                alias: {"oid": sha(files[path])} for alias, path in re.findall(r'(\w+): file\(path: "([^"]+)"\)', q)
            }
            return 200, {
                "data": {
                    "createCommitOnBranch": {"commit": {"oid": oid, "committedDate": "2026-11-20T10:00:00Z", **asked}}
                }
            }
        return 404, {"message": "Not Found"}
