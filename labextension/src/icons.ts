import { LabIcon } from '@jupyterlab/ui-components';

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <g class="jp-icon3" fill="#616161">
    <path d="M2 5h3.2l2.6 10.2L10.6 5h2.8l2.8 10.2L18.8 5H22l-4.4 14h-3l-2.6-9.4L9.4 19h-3z"/>
  </g>
</svg>`;

/** The Wallaroo "W" (sidebar tab, launcher card, palette). */
export const wallarooIcon = new LabIcon({ name: 'wallaroo-widgets:logo', svgstr: SVG });
