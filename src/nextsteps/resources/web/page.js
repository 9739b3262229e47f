// Optional comforts; the page works without this file (the forms are plain HTML).
"use strict";

// The copy button: hidden in the HTML, shown only where it can work.
document.querySelectorAll("[data-copy]").forEach((button) => {
  const source = document.getElementById(button.dataset.copy);
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
    } catch {
      source.select(); // no clipboard access (e.g. not a secure context): select it instead
      document.execCommand("copy");
    }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy the draft"; }, 2000);
  });
});

// Dropping a saved email on the paste box reads it into the box (in the browser only).
document.querySelectorAll("[data-drop-target]").forEach((box) => {
  box.addEventListener("dragover", (event) => {
    event.preventDefault();
    box.classList.add("dragging");
  });
  box.addEventListener("dragleave", () => box.classList.remove("dragging"));
  box.addEventListener("drop", async (event) => {
    const file = event.dataTransfer.files[0];
    box.classList.remove("dragging");
    if (!file) return;
    event.preventDefault();
    box.value = await file.text();
  });
});
