// Allocates without end: V8's heap cap for the isolate must stop it, and only it.
(subject, payload) => {
  const hoard = [];
  while (true) {
    hoard.push(new Array(100000).fill(hoard.length));
  }
}
