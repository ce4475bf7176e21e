import { useEffect, useRef } from 'preact/hooks';
import './plot-figure.css';

interface PlotFigureProps {
  /**
   * Builds the chart: `(width) => Plot.plot({ width, ... })`. Called again when `deps` change or
   * the container's width changes, so the chart fits a phone and a desktop.
   */
  render: (width: number) => SVGSVGElement | HTMLElement;
  /** Re-render when these change (the data, the options). */
  deps: unknown[];
  /** What the chart shows, for screen readers (the SVG gets it as its label). */
  label: string;
  /** Reserved before the chart is drawn, so nothing below jumps (no layout shift). */
  height?: number;
}

/**
 * An Observable Plot chart in the console. Plot adds a <style> element to every chart and legend;
 * the console's CSP allows style sheets from 'self' only (no 'unsafe-inline'), so the element is
 * removed before the chart enters the page and plot-figure.css carries the same rules.
 * Charts rendered any other way would have their <style> refused by the browser (a CSP error in
 * the console) and lose nothing visible, but use this one.
 */
export function PlotFigure({ render, deps, label, height = 320 }: PlotFigureProps) {
  const ref = useRef<HTMLDivElement>(null);
  const renderRef = useRef(render);
  renderRef.current = render;
  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    let lastWidth = -1;
    const draw = () => {
      const width = Math.floor(host.clientWidth);
      if (width <= 0 || width === lastWidth) return;
      lastWidth = width;
      const chart = renderRef.current(width);
      for (const style of chart.querySelectorAll('style')) style.remove();
      if (chart.tagName.toLowerCase() === 'svg' && !chart.getAttribute('aria-label')) chart.setAttribute('aria-label', label);
      host.replaceChildren(chart);
    };
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(host);
    return () => observer.disconnect();
  }, deps);
  return <div ref={ref} class="plot-figure" role="figure" aria-label={label} style={{ minHeight: `${height}px` }} />;
}
