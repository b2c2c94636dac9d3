(subject, payload) => { return ; ; }} oops
