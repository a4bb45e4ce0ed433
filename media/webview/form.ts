// Placeholder until the webview form lands.
export {};
