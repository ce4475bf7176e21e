import { render } from 'preact';
// First, so the shell's and the pages' own style sheets come after it and may refine it.
import './styles.css';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
