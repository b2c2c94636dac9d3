// The benchmark's echo: examples/functions/echo.js without its console.log, so that a trigger
// costs one message each way and the figure is the trigger path's, not the log relay's.
(subject, payload) => new TextDecoder().decode(payload)
