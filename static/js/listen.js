/* Listen: reads the page aloud with a voice of the device for the page language. (being written) */
