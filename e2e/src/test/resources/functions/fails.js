(subject, payload) => {
  throw new Error("this function always fails");
}
