"""The audio participants send: headerless 8 kHz mu-law, as SIPp's rtp_stream and the RTP
pacer send file bytes as they are. Talkers send speech (espeak-ng, looped with pauses as
in conversation); listeners send digital silence, as phones without DTX do."""

import os
import shutil
import subprocess

MU_LAW_SILENCE = b"\xff"  # G.711 mu-law code for 0 (sox would dither it)
SPEECH_TEXT = (
    "Good morning everyone, thanks for joining. Let us start with the numbers from last week. "
    "Sales were up four percent, and the new office opens on the twelfth of March. "
    "Could the team in Lyon give us a short update on the migration, please?"
)


IMPULSE_PERIOD_S = 2.0
IMPULSE_TONE_HZ = 1000
IMPULSE_LENGTH_S = 0.1


def make(directory: str) -> dict[str, str]:
    """Writes speech.ulaw, silence.ulaw and impulse.ulaw (whole 20 ms frames each) into
    `directory` and returns their paths by kind. The impulse file is a 100 ms 1 kHz burst
    every 2 s, for the latency probe."""
    speech = os.path.join(directory, "speech.ulaw")
    silence = os.path.join(directory, "silence.ulaw")
    wav = os.path.join(directory, "speech.wav")
    if shutil.which("espeak-ng"):
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", wav, SPEECH_TEXT], check=True)
        source = [wav]
    else:
        # No speech engine: syllable-rate modulated noise is the next best thing for a
        # mixer (level changes several times a second, speech-like spectrum tilt).
        source = ["-n"]
    effects = ["pad", "0", "0.6"] if source != ["-n"] else [
        "synth", "20", "pinknoise", "tremolo", "4", "90", "lowpass", "3400"]
    subprocess.run(
        ["sox", *source, "-r", "8000", "-c", "1", "-t", "ul", speech, *effects, "norm", "-12"],
        check=True,
    )
    trim_to_frames(speech)
    with open(silence, "wb") as out:
        out.write(MU_LAW_SILENCE * 8000 * 10)
    impulse = os.path.join(directory, "impulse.ulaw")
    subprocess.run(["sox", "-D", "-n", "-r", "8000", "-c", "1", "-t", "ul", impulse, "synth",
                    str(IMPULSE_LENGTH_S), "sine", str(IMPULSE_TONE_HZ), "vol", "0.5", "pad", "0",
                    str(IMPULSE_PERIOD_S - IMPULSE_LENGTH_S)], check=True)
    trim_to_frames(impulse)
    return {"speech": speech, "silence": silence, "impulse": impulse}


def trim_to_frames(path: str, frame_bytes: int = 160):
    """A looped file must hold whole 20 ms frames, or every loop shifts the frame grid."""
    size = os.path.getsize(path)
    os.truncate(path, size - size % frame_bytes)
