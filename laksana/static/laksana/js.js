/* Loaded in <head> without defer: the page is styled for JavaScript before it is first drawn. */
document.documentElement.classList.add("js");
