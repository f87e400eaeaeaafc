/* The companion pages' only script: the timers, and a pause for the moving picture.
   No network, no storage, no cookies. Works from a folder on disk and from any server. */
(function () {
  "use strict";

  var audio = null;

  function cue() {
    /* A short tone where the device allows it, and a buzz on a phone that can. */
    try {
      if (!audio && (window.AudioContext || window.webkitAudioContext)) {
        audio = new (window.AudioContext || window.webkitAudioContext)();
      }
      if (audio) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = 660;
        gain.gain.value = 0.2;
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.25);
      }
    } catch (e) { /* no sound: the words on the page still say it */ }
    if (navigator.vibrate) { navigator.vibrate(200); }
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function Timer(box) {
    this.box = box;
    this.kind = box.getAttribute("data-timer");
    this.sides = parseInt(box.getAttribute("data-sides") || "1", 10);
    this.rest = parseInt(box.getAttribute("data-rest") || "5", 10);
    this.face = box.querySelector(".clock");
    this.countLine = box.querySelector(".count");
    this.status = box.querySelector(".status");
    this.startButton = box.querySelector(".start");
    this.length = box.querySelector(".length");
    this.repsChoice = box.querySelector(".reps");
    this.oneButton = box.querySelector(".done-one");
    this.ticking = null;
    var self = this;
    this.startButton.addEventListener("click", function () { self.toggle(); });
    box.querySelector(".reset").addEventListener("click", function () { self.reset(); });
    if (this.oneButton) {
      this.oneButton.addEventListener("click", function () { self.didOne(); });
    }
    [this.length, this.repsChoice].forEach(function (choice) {
      if (choice) { choice.addEventListener("change", function () { self.reset(); }); }
    });
    this.reset();
  }

  Timer.prototype.say = function (words) { this.status.textContent = words; };

  Timer.prototype.show = function () {
    var shown = this.kind === "count" ? this.elapsed : this.left;
    this.face.textContent = clock(shown);
    if (!this.countLine) { return; }
    var side = this.sides > 1 ? (this.side === 1 ? ", first side" : ", other side") : "";
    if (this.kind === "hold") {
      this.countLine.textContent = (this.resting ? "Relax" : "Hold") + " · " +
        this.rep + " of " + this.reps + side;
    } else if (this.kind === "count") {
      this.countLine.textContent = this.done + " of " + this.reps + " done" + side;
    }
  };

  Timer.prototype.reset = function () {
    this.stop();
    this.reps = this.repsChoice ? parseInt(this.repsChoice.value, 10) : 1;
    this.hold = this.length ? parseInt(this.length.value, 10) : 0;
    this.left = this.hold;
    this.elapsed = 0;
    this.rep = 1;
    this.done = 0;
    this.side = 1;
    this.resting = false;
    this.finished = false;
    this.startButton.textContent = "Start";
    if (this.oneButton) { this.oneButton.disabled = true; }
    this.say("Not started.");
    this.show();
  };

  Timer.prototype.stop = function () {
    if (this.ticking !== null) { window.clearInterval(this.ticking); this.ticking = null; }
  };

  Timer.prototype.toggle = function () {
    if (this.ticking !== null) {
      this.stop();
      this.startButton.textContent = "Go on";
      this.say("Paused.");
      return;
    }
    if (this.finished) { this.reset(); }
    var self = this;
    this.startButton.textContent = "Pause";
    if (this.oneButton) { this.oneButton.disabled = false; }
    this.say(this.kind === "hold" ? "Hold." : "Started.");
    this.ticking = window.setInterval(function () { self.tick(); }, 1000);
  };

  Timer.prototype.finish = function (words) {
    this.stop();
    this.finished = true;
    this.startButton.textContent = "Start again";
    if (this.oneButton) { this.oneButton.disabled = true; }
    cue();
    this.say(words);
  };

  Timer.prototype.nextSide = function () {
    /* true when there is another side to do */
    if (this.side < this.sides) {
      this.side += 1;
      return true;
    }
    return false;
  };

  Timer.prototype.tick = function () {
    this.elapsed += 1;
    if (this.kind === "count") { this.show(); return; }
    this.left -= 1;
    if (this.left > 0) {
      if (this.kind === "minutes" && this.left % 60 === 0) {
        cue();
        this.say(clock(this.left) + " to go.");
      }
      this.show();
      return;
    }
    if (this.kind === "minutes") { this.show(); this.finish("Time is up. Ease off slowly."); return; }
    if (this.resting) {
      this.resting = false;
      this.left = this.hold;
      cue();
      this.say("Hold " + this.rep + " of " + this.reps + ".");
    } else if (this.rep < this.reps) {
      this.resting = true;
      this.rep += 1;
      this.left = this.rest;
      cue();
      this.say("Relax.");
    } else if (this.nextSide()) {
      this.rep = 1;
      this.resting = true;
      this.left = this.rest;
      cue();
      this.say("Now the other side. Relax first.");
    } else {
      this.show();
      this.finish("All done. Well done.");
      return;
    }
    this.show();
  };

  Timer.prototype.didOne = function () {
    if (this.ticking === null) { return; }
    this.done += 1;
    if (this.done < this.reps) { this.say(this.done + " done."); this.show(); return; }
    if (this.nextSide()) {
      this.done = 0;
      cue();
      this.say("Now the other side.");
      this.show();
      return;
    }
    this.show();
    this.finish("All done. Well done.");
  };

  function movingPictures() {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var figures = document.querySelectorAll("figure.moving");
    Array.prototype.forEach.call(figures, function (figure) {
      var svg = figure.querySelector("svg");
      var button = figure.querySelector("button.pause");
      if (!svg || !button) { return; }
      function set(paused) {
        if (paused) { svg.pauseAnimations(); } else { svg.unpauseAnimations(); }
        button.setAttribute("aria-pressed", paused ? "true" : "false");
        button.textContent = paused ? "Play the movement" : "Pause the movement";
      }
      button.addEventListener("click", function () { set(!svg.animationsPaused()); });
      set(Boolean(still));
    });
  }

  function start() {
    var boxes = document.querySelectorAll("section.timer");
    Array.prototype.forEach.call(boxes, function (box) { box.timer = new Timer(box); });
    movingPictures();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
