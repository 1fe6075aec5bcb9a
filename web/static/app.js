/* Progressive enhancement for the intake and review pages; every page works without it. */
(function () {
  "use strict";

  var csrf = document.body.dataset.csrf || "";
  var page = document.body.dataset.page || "";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function typing(event) {
    var t = event.target;
    return event.ctrlKey || event.metaKey || event.altKey ||
      (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)));
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { throw new Error(data.detail || ("오류 " + r.status)); }
        return data;
      });
    });
  }

  $all("[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) { if (history.length > 1) { e.preventDefault(); history.back(); } });
  });

  $all("img.source-img").forEach(function (img) {
    img.addEventListener("error", function () {
      var note = document.createElement("p");
      note.className = "muted";
      note.textContent = "원문 이미지를 불러오지 못했습니다.";
      img.replaceWith(note);
    });
  });

  /* ---- queue: keyboard work and live counts ---- */
  if (page === "queue") {
    var rows = $all("tr.item-row");
    var current = -1;
    var STATE_KO = { open: "미처리", in_review: "검토 중", supplement_requested: "보완 요청", resolved: "해결", waived: "예외 인정" };
    var ACTION = {
      r: { action: "resolve", title: "해결", label: "해결 메모 (선택)", required: false },
      w: { action: "waive", title: "예외 인정", label: "사유 (필수)", required: true },
      s: { action: "request_supplement", title: "보완요구", label: "보완 요구 내용 (비우면 발견사항 문구)", required: false }
    };
    var ALLOWED = {
      resolve: ["open", "in_review", "supplement_requested"], waive: ["open", "in_review", "supplement_requested"],
      request_supplement: ["open", "in_review"]
    };

    var select = function (index) {
      if (!rows.length) { return; }
      index = Math.max(0, Math.min(rows.length - 1, index));
      if (current >= 0 && rows[current]) { rows[current].classList.remove("selected"); rows[current].removeAttribute("aria-selected"); }
      current = index;
      var row = rows[current];
      row.classList.add("selected");
      row.setAttribute("aria-selected", "true");
      row.scrollIntoView({ block: "nearest" });
      try { sessionStorage.setItem("queue-selected:" + location.search, row.dataset.id); } catch (e) { /* private mode */ }
    };

    var refreshCounts = function () {
      var box = $("#counts");
      if (!box) { return; }
      getJSON(box.dataset.countsUrl).then(function (c) {
        Object.keys(c.by_state).forEach(function (s) {
          var el = $('[data-count-state="' + s + '"]'); if (el) { el.textContent = c.by_state[s]; }
        });
        Object.keys(c.by_severity).forEach(function (s) {
          var el = $('[data-count-severity="' + s + '"]'); if (el) { el.textContent = c.by_severity[s]; }
        });
        var m = $("#matching"); if (m) { m.textContent = c.matching; }
      }).catch(function () { /* signed out or offline: the next full load tells */ });
    };

    var dialog = $("#action-dialog");
    var pending = null;
    var openDialog = function (key) {
      var row = rows[current];
      if (!row || !dialog) { return; }
      var spec = ACTION[key];
      var error = $("#action-error");
      if (row.dataset.decide !== "1") { flashRow(row, "이 항목을 처리할 권한이 없습니다"); return; }
      if (ALLOWED[spec.action].indexOf(row.dataset.state) < 0) { flashRow(row, "현재 상태에서는 할 수 없는 처리입니다"); return; }
      pending = { row: row, spec: spec };
      $("#action-title").textContent = spec.title + " — #" + row.dataset.id;
      $("#action-item").textContent = (row.querySelector(".message") || {}).textContent || "";
      $("#action-label").firstChild.textContent = spec.label + " ";
      var note = $("#action-note");
      note.value = "";
      note.required = spec.required;
      error.hidden = true;
      dialog.showModal();
      note.focus();
    };

    var flashRow = function (row, text) {
      var hint = $("#keys-hint");
      if (hint) { hint.dataset.message = text; hint.classList.add("warn"); setTimeout(function () { hint.classList.remove("warn"); }, 2500); }
      row.classList.add("denied");
      setTimeout(function () { row.classList.remove("denied"); }, 600);
    };

    if (dialog) {
      $("#action-cancel").addEventListener("click", function () { dialog.close(); });
      $("#action-form").addEventListener("submit", function (e) {
        e.preventDefault();
        if (!pending) { return; }
        var note = $("#action-note").value.trim();
        var error = $("#action-error");
        if (pending.spec.required && !note) { error.textContent = "사유를 입력하십시오"; error.hidden = false; return; }
        var row = pending.row;
        postJSON("/api/items/" + row.dataset.id + "/" + pending.spec.action, { note: note }).then(function (data) {
          dialog.close();
          var state = data.item.state;
          row.dataset.state = state;
          var badge = row.querySelector('[data-role="state"]');
          if (badge) { badge.textContent = STATE_KO[state] || state; badge.className = "badge state-" + state; }
          row.classList.add("just-done");
          refreshCounts();
          select(rows.indexOf(row) + 1);
        }).catch(function (err) { error.textContent = err.message; error.hidden = false; });
      });
    }

    rows.forEach(function (row, index) {
      row.addEventListener("click", function (e) { if (e.target.tagName !== "A" && e.target.tagName !== "INPUT") { select(index); } });
      row.addEventListener("dblclick", function () { location.href = row.dataset.href; });
    });

    document.addEventListener("keydown", function (e) {
      if (typing(e) || (dialog && dialog.open)) { return; }
      if (e.key === "j") { select(current + 1); e.preventDefault(); }
      else if (e.key === "k") { select(current < 0 ? 0 : current - 1); e.preventDefault(); }
      else if (e.key === "Enter" && current >= 0) { location.href = rows[current].dataset.href; e.preventDefault(); }
      else if (ACTION[e.key] && current >= 0) { openDialog(e.key); e.preventDefault(); }
    });

    var picks = $all("input.pick");
    var countPicks = function () {
      var n = picks.filter(function (p) { return p.checked; }).length;
      var el = $("#bulk-count"); if (el) { el.textContent = n; }
    };
    picks.forEach(function (p) { p.addEventListener("change", countPicks); });
    var all = $("#select-all");
    if (all) {
      all.addEventListener("change", function () { picks.forEach(function (p) { p.checked = all.checked; }); countPicks(); });
    }
    var bulk = $("#bulk-form");
    if (bulk) {
      bulk.addEventListener("submit", function (e) {
        var note = $("#bulk-note");
        if ($("#bulk-action").value === "waive" && !note.value.trim()) {
          e.preventDefault();
          note.setCustomValidity("예외 인정에는 사유가 필요합니다");
          note.reportValidity();
          note.addEventListener("input", function () { note.setCustomValidity(""); }, { once: true });
        }
      });
    }
    document.addEventListener("keydown", function (e) {
      if (e.key === "x" && !typing(e) && current >= 0 && !(dialog && dialog.open)) {
        var box = rows[current].querySelector("input.pick");
        if (box) { box.checked = !box.checked; countPicks(); }
      }
    });

    var remembered = null;
    try { remembered = sessionStorage.getItem("queue-selected:" + location.search); } catch (e) { /* ignore */ }
    var start = rows.findIndex(function (r) { return r.dataset.id === remembered; });
    if (rows.length) { select(start >= 0 ? start : 0); }
    setInterval(refreshCounts, 20000);
  }

  /* ---- item: j/k to the next/previous open item, u back to the queue ---- */
  if (page === "item") {
    document.addEventListener("keydown", function (e) {
      if (typing(e)) { return; }
      var link = e.key === "j" ? $("#next-item") : e.key === "k" ? $("#prev-item") : e.key === "u" ? $("[data-key-back]") : null;
      if (link) { location.href = link.href; e.preventDefault(); }
    });
    var form = $("#action-form");
    if (form) {
      form.addEventListener("submit", function (e) {
        var button = e.submitter;
        var note = form.querySelector("textarea[name=note]");
        if (button && button.value === "waive" && !note.value.trim()) {
          e.preventDefault();
          note.setCustomValidity("예외 인정에는 사유가 필요합니다");
          note.reportValidity();
          note.addEventListener("input", function () { note.setCustomValidity(""); }, { once: true });
        }
      });
    }
  }

  /* ---- intake desk: the receipt time is needed for post and hand delivery; progress of recent uploads ---- */
  var PROGRESS_CLASS = function (status) { return "badge upload-" + status.state; };

  if (page === "intake") {
    var form = $("#upload-form");
    var when = $("#received_at");
    var sync = function () {
      var delivery = (form.querySelector("input[name=delivery]:checked") || {}).value;
      when.required = delivery !== "email";
      when.disabled = delivery === "email";
    };
    $all("input[name=delivery]", form).forEach(function (r) { r.addEventListener("change", sync); });
    $("#files").addEventListener("change", function (e) {
      var files = e.target.files;
      if (files.length === 1 && /\.(eml|msg)$/i.test(files[0].name)) {
        form.querySelector("input[name=delivery][value=email]").checked = true;
      } else if (form.querySelector("input[name=delivery][value=email]").checked) {
        form.querySelector("input[name=delivery][value=post]").checked = true;
      }
      sync();
    });
    sync();
    var poll = function () {
      var waiting = $all("#uploads tr[data-done='0']");
      waiting.forEach(function (row) {
        getJSON("/api/uploads/" + row.dataset.upload).then(function (s) {
          var badge = row.querySelector('[data-role="progress"]');
          badge.textContent = s.step_ko;
          badge.className = PROGRESS_CLASS(s);
          if (s.done) {
            row.dataset.done = "1";
            if (s.submission_id && !row.querySelector('[data-role="result"]')) {
              var a = document.createElement("a");
              a.href = "/submissions/" + s.submission_id; a.textContent = "결과 보기"; a.dataset.role = "result";
              badge.after(" ", a);
            }
          }
        }).catch(function () { /* try again */ });
      });
      if (waiting.length) { setTimeout(poll, 2000); }
    };
    poll();
  }

  if (page === "upload") {
    var box = $("#progress");
    var steps = $all(".steps li", box);
    var update = function () {
      getJSON("/api/uploads/" + box.dataset.upload).then(function (s) {
        steps.forEach(function (li, i) {
          li.className = i < s.step || (s.done && s.state === "processed") ? "done" : (i === s.step ? "now" : "");
        });
        var state = $("#upload-state");
        state.textContent = s.step_ko;
        state.className = "upload-" + s.state;
        $("#upload-detail").textContent = s.detail_ko || "";
        if (s.submission_id) {
          var result = $("#upload-result");
          if (!result.querySelector("a")) {
            var a = document.createElement("a");
            a.href = "/submissions/" + s.submission_id;
            a.textContent = "처리 결과(제출 건 #" + s.submission_id + ") 보기";
            result.appendChild(a);
          }
        }
        box.dataset.done = s.done ? "1" : "0";
        if (!s.done) { setTimeout(update, 1000); }
      }).catch(function () { setTimeout(update, 5000); });
    };
    if (box.dataset.done !== "1") { update(); }
  }
})();
