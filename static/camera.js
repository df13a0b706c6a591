// Take the selfie with the camera, where the browser can. The captured photo is
// put into the ordinary file input, so the form posts exactly what an upload would;
// without JavaScript, or without a camera, the page is the plain upload form.
const input = document.querySelector('input[type=file][data-camera]')

if (input && navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.DataTransfer) {
  const panel = document.createElement('div')
  panel.className = 'app-camera'
  panel.innerHTML = `
    <button type="button" class="govuk-button govuk-button--secondary" data-start>Take a photo with your camera</button>
    <div data-live hidden>
      <video class="app-camera__video" autoplay playsinline muted aria-label="What your camera sees"></video>
      <div class="govuk-button-group">
        <button type="button" class="govuk-button" data-capture disabled>Take photo</button>
        <button type="button" class="govuk-button govuk-button--secondary" data-cancel>Cancel</button>
      </div>
    </div>
    <p class="govuk-body" data-status role="status"></p>
    <img class="app-camera__preview" data-preview alt="The photo you took" hidden>`
  input.after(panel)

  const live = panel.querySelector('[data-live]')
  const video = panel.querySelector('video')
  const status = panel.querySelector('[data-status]')
  const preview = panel.querySelector('[data-preview]')
  const capture = panel.querySelector('[data-capture]')
  let stream = null


  const stop = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop())
    stream = null
    live.hidden = true
    capture.disabled = true
  }

  panel.querySelector('[data-start]').addEventListener('click', async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 1280 } } })
    } catch (error) {
      status.textContent = 'We could not use your camera. Upload a photo instead.'
      return
    }
    video.srcObject = stream
    live.hidden = false
    await video.play()
    // Only now is a frame showing: before, a capture would be a black image.
    capture.disabled = false
    status.textContent = 'Look at the camera, then take the photo.'
  })

  panel.querySelector('[data-cancel]').addEventListener('click', () => {
    stop()
    status.textContent = ''
  })

  capture.addEventListener('click', () => {
    const canvas = document.createElement('canvas')
    canvas.width = video.videoWidth
    canvas.height = video.videoHeight
    canvas.getContext('2d').drawImage(video, 0, 0)
    canvas.toBlob((blob) => {
      const files = new DataTransfer()
      files.items.add(new File([blob], 'camera.jpg', { type: 'image/jpeg' }))
      input.files = files.files
      preview.src = URL.createObjectURL(blob)
      preview.hidden = false
      status.textContent = 'Photo taken. It will be sent when you continue.'
      stop()
    }, 'image/jpeg', 0.92)
  })
}
