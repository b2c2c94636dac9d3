export default () => {
  return (subject, payload) => {
    console.log(subject)
    return payload
  }
}
